#include <rclcpp/rclcpp.hpp>
#include <std_srvs/srv/trigger.hpp>
int main(int argc, char ** argv) {
  rclcpp::init(argc, argv);
  auto node = rclcpp::Node::make_shared("trigger_server");
  auto srv = node->create_service<std_srvs::srv::Trigger>("trigger",
    [](const std::shared_ptr<std_srvs::srv::Trigger::Request>, std::shared_ptr<std_srvs::srv::Trigger::Response> res) {
      res->success = true; res->message = "ok"; });
  std::printf("{\"ready\":true}\n"); std::fflush(stdout);
  rclcpp::spin(node);
  rclcpp::shutdown();
}
